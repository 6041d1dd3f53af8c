"""One CloudFormation stack per stage: plan, then execute.

    pipeline.py       plan, deploy and destroy as tuples of steps over one Run
    plan.py           package, cfn-lint, the site build: the stack as data, offline
    options.py        stage, EU region, sender, --emulator: checked before anything runs
    prerequisites.py  credentials, SES sender, Stripe secrets, stack and table state
    artifacts.py      the private artifacts bucket, content-addressed uploads
    photo_layer.py    the photo function's own layer (Pillow, pillow-heif), built for the functions' runtime
    stack.py          change sets, following events, stack policy, outputs and URLs
    site_upload.py    the site into its bucket, CloudFront invalidation
    checks.py         the deployed table's TTL and PITR
    context.py        Refused, Progress, the AWS context the steps share

The site is built after the stack is deployed: its API URL is the CloudFront
address, which a first deploy learns only when the stack exists.
"""
