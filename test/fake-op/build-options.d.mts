import type { BuildOptions } from "esbuild";

export declare const requireShim: string;
export declare function fakeOpBuildOptions(entry: string, outfile: string): BuildOptions;
