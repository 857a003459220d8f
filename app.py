"""Launch the musicui studio: ``python app.py [--host 0.0.0.0] [--port 7860] [--share [--auth user:pass]] [--mcp]``.

A thin launcher (a Hugging Face Space runs it as is): everything lives in ``musicui.ui``.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="musicui: a browser composition studio.")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        help="interface to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
                        help="port (default 7860)")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    parser.add_argument("--auth", help="user:password required to open the studio (recommended with --share)")
    parser.add_argument("--mcp", action="store_true", help="also serve compose and render as MCP tools")
    args = parser.parse_args(argv)
    auth = None
    if args.auth:
        user, sep, password = args.auth.partition(":")
        if not sep or not user or not password:
            parser.error("--auth must look like user:password")
        auth = (user, password)
    elif args.share:
        print("musicui: warning: the shared link is public and has no password; add --auth user:password",
              file=sys.stderr)

    from musicui.ui.app import build_app

    build_app().launch(server_name=args.host, server_port=args.port, share=args.share, auth=auth,
                       mcp_server=args.mcp or None)


if __name__ == "__main__":
    main()
