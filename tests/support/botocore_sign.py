#!/usr/bin/env python3
"""Signs requests with botocore's SigV4Auth, the reference for sigv4_botocore_test.

Reads JSON from stdin:
  {"requests": [{"method": "POST", "url": "https://...", "headers": [["Name", "value"], ...],
                 "body": "<text, sent as UTF-8>", "access_key": "...", "secret_key": "...",
                 "token": "" or "...", "region": "us-east-1", "service": "dynamodb",
                 "timestamp": "20150830T123600Z"}, ...]}
Writes JSON to stdout:
  {"results": [{"authorization": "...", "canonical_request": "...", "string_to_sign": "...",
                "headers": [["Name", "value"], ...]}, ...]}
or, when botocore is missing, {"error": "..."} with exit status 3.
"""

import datetime
import json
import sys


def main():
    try:
        import botocore
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
    except ImportError as error:
        json.dump({"error": f"cannot import botocore ({error}) with {sys.executable}"}, sys.stdout)
        return 3

    class RecordingSigV4Auth(botocore.auth.SigV4Auth):
        """Keeps the intermediate products for diagnostics."""

        def string_to_sign(self, request, canonical_request):
            self.recorded_canonical_request = canonical_request
            self.recorded_string_to_sign = super().string_to_sign(request, canonical_request)
            return self.recorded_string_to_sign

    def sign(spec):
        fixed_now = datetime.datetime.strptime(spec["timestamp"], botocore.auth.SIGV4_TIMESTAMP)
        request = botocore.awsrequest.AWSRequest(
            method=spec["method"], url=spec["url"], data=spec["body"].encode("utf-8")
        )
        for name, value in spec["headers"]:
            request.headers[name] = value
        credentials = botocore.credentials.Credentials(
            spec["access_key"], spec["secret_key"], spec["token"] or None
        )
        auth = RecordingSigV4Auth(credentials, spec["service"], spec["region"])
        # add_auth reads the clock through botocore.auth.get_current_datetime
        # (botocore >= 1.32); older releases call datetime.datetime.utcnow().
        original_clock = getattr(botocore.auth, "get_current_datetime", None)
        original_datetime_module = botocore.auth.datetime
        try:
            if original_clock is not None:
                botocore.auth.get_current_datetime = lambda *args, **kwargs: fixed_now
            else:

                class FixedDatetime(datetime.datetime):
                    @classmethod
                    def utcnow(cls):
                        return fixed_now

                class FixedDatetimeModule:
                    datetime = FixedDatetime

                botocore.auth.datetime = FixedDatetimeModule
            auth.add_auth(request)
        finally:
            if original_clock is not None:
                botocore.auth.get_current_datetime = original_clock
            botocore.auth.datetime = original_datetime_module
        return {
            "authorization": request.headers["Authorization"],
            "canonical_request": auth.recorded_canonical_request,
            "string_to_sign": auth.recorded_string_to_sign,
            "headers": [[name, value] for name, value in request.headers.items()],
            "botocore_version": botocore.__version__,
        }

    # Bytes in, ASCII out: independent of the locale's idea of stdio encoding.
    specs = json.loads(sys.stdin.buffer.read().decode("utf-8"))["requests"]
    json.dump({"results": [sign(spec) for spec in specs]}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
