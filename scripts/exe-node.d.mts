export declare const EXE_NODE_VERSION: string;
export declare const EXE_ARCHES: string[];
export declare function run(command: string, args: string[], options?: object): string;
export declare function exeNodeDirectory(arch: string, version?: string, checkout?: string): string;
export declare function exeNodePackage(arch: string, version?: string): string;
