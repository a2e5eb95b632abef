#!/usr/bin/env bash
# Three replicas behind HAProxy with a SIGKILL and a SIGTERM + restart under load (issue #17): deploy/test/replicas.sh.
exec bash "$(dirname "$0")/../../deploy/test/replicas.sh"
