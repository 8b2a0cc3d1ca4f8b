"""The AWS CDK app of DECA AI Studio (`cdk deploy -c env=<name>`); see docs/deploy.md."""

import os

# jsii prints a banner when its Node.js is older than it would like; the synth output stays readable without it.
for _flag in ("DEPRECATED", "UNTESTED", "KNOWN_BROKEN"):
    os.environ.setdefault(f"JSII_SILENCE_WARNING_{_flag}_NODE_VERSION", "1")
