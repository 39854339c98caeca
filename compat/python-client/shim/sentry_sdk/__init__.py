# Stand-in for sentry-sdk 2.x, which this machine's package copy does not hold (Debian ships 1.9). The official
# client calls exactly one function of it: the trace propagation headers of the current scope, to forward Sentry
# traces. Without an initialised SDK those carry no trace this server reads, so the stand-in returns none.


class _Scope:
    def iter_trace_propagation_headers(self):
        return iter(())


def get_current_scope():
    return _Scope()
