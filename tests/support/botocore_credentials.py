#!/usr/bin/env python3
"""Resolves credentials with botocore, the reference for credentials_botocore_test.

Runs botocore's default credential chain exactly as boto3 would
(Session().get_credentials().get_frozen_credentials()), configured only by
the environment: HOME, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
AWS_PROFILE, and the endpoints AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO
and AWS_ENDPOINT_URL_SSO_OIDC.

botocore only honours AWS_ENDPOINT_URL_<SERVICE> from 1.31 on (Debian 12
ships 1.29), so clients for sts, sso and sso-oidc are given those endpoints
explicitly when the caller did not pass one; newer botocore resolves the same
URL either way.

Writes JSON to stdout:
  {"access_key": "...", "secret_key": "...", "token": "...", "method": "...",
   "botocore_version": "..."}
or {"error": "..."} with exit status 1 (no credentials or a botocore
error), 3 when botocore cannot be imported.
"""

import json
import os
import sys

ENDPOINT_VARIABLES = {
    "sts": "AWS_ENDPOINT_URL_STS",
    "sso": "AWS_ENDPOINT_URL_SSO",
    "sso-oidc": "AWS_ENDPOINT_URL_SSO_OIDC",
}
# Position of endpoint_url in Session.create_client(service_name, region_name,
# api_version, use_ssl, verify, endpoint_url, ...), counting service_name.
ENDPOINT_URL_POSITION = 5


def patch_endpoints(session_class):
    original = session_class.create_client

    def create_client(self, service_name, *args, **kwargs):
        variable = ENDPOINT_VARIABLES.get(service_name)
        endpoint = os.environ.get(variable) if variable else None
        given = kwargs.get("endpoint_url") or (
            len(args) >= ENDPOINT_URL_POSITION and args[ENDPOINT_URL_POSITION - 1]
        )
        if endpoint and not given:
            kwargs["endpoint_url"] = endpoint
        return original(self, service_name, *args, **kwargs)

    session_class.create_client = create_client


def main():
    try:
        import botocore
        import botocore.session
    except ImportError as error:
        json.dump({"error": f"cannot import botocore ({error}) with {sys.executable}"}, sys.stdout)
        return 3

    patch_endpoints(botocore.session.Session)
    try:
        credentials = botocore.session.Session().get_credentials()
        if credentials is None:
            json.dump({"error": "botocore found no credentials"}, sys.stdout)
            return 1
        frozen = credentials.get_frozen_credentials()
    except Exception as error:  # botocore's errors have many bases; report any
        json.dump({"error": f"{type(error).__name__}: {error}"}, sys.stdout)
        return 1
    json.dump(
        {
            "access_key": frozen.access_key,
            "secret_key": frozen.secret_key,
            "token": frozen.token,
            "method": getattr(credentials, "method", ""),
            "botocore_version": botocore.__version__,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
