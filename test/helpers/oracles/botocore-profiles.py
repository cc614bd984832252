# botocore's reading of the shared config and credentials files, as an oracle for the tests: for each request (one
# JSON object a line on stdin: {"config": PATH, "credentials": PATH, "profiles": [NAME, ...]}) it answers one JSON
# line, {"failed": BOOL, "values": [...]}: for each profile, the credential_process that a botocore session (the
# AWS CLI v1, boto3) finds for it, or null when it finds none; "failed" when it cannot parse a file (botocore then
# fails every command). It runs until stdin closes, so a test starts it once for thousands of configs.
import json
import sys

import botocore.exceptions
import botocore.session

# One session for every request: making one costs about 30 ms. Its full_config (what the AWS CLI and boto3 look
# profiles up in) is parsed once and kept in _config; clearing that makes the next read parse the files again.
session = botocore.session.Session()
for line in sys.stdin:
    request = json.loads(line)
    session.set_config_variable("config_file", request["config"])
    session.set_config_variable("credentials_file", request["credentials"])
    session._config = None
    failed = False
    try:
        profiles = session.full_config["profiles"]
    except botocore.exceptions.BotoCoreError:
        profiles = {}
        failed = True
    values = []
    for name in request["profiles"]:
        value = profiles.get(name, {}).get("credential_process")
        values.append(value if isinstance(value, str) else None)
    sys.stdout.write(json.dumps({"failed": failed, "values": values}) + "\n")
    sys.stdout.flush()
