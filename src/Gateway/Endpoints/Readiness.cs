namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// Whether <c>/ready</c> answers 200 (api doc §3.6): not while the process drains, not while the shutdown marker file
/// (<c>objectstore down</c>) exists, and not while the dependency probe fails (PostgreSQL unreachable: this silo could
/// serve nothing that needs it, so a load balancer should send elsewhere). The probe's answer is kept for a second, so
/// frequent checks cost one round trip a second, and a probe that hangs counts as failed after its timeout.
/// </summary>
internal sealed class Readiness(string downFile, Func<CancellationToken, Task>? probe = null, TimeProvider? time = null)
{
    /// <summary>The marker the reference uses.</summary>
    public const string DefaultDownFile = "/tmp/objectstore.down";

    private static readonly TimeSpan ProbeFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _probing = new(1, 1);
    private volatile bool _draining;
    private (long At, string? Failure)? _probed;

    /// <summary>The marker file checked on every probe.</summary>
    public string DownFile { get; } = downFile;

    /// <summary>True once <see cref="BeginDrain"/> ran.</summary>
    public bool Draining => _draining;

    /// <summary>Flips readiness off for good; in-flight and new requests are still served while the host stops.</summary>
    public void BeginDrain() => _draining = true;

    /// <summary>Null when the load balancer may route here, else why not.</summary>
    public async Task<string?> NotReadyReasonAsync(CancellationToken cancellationToken)
    {
        if (_draining || File.Exists(DownFile)) return "Shutting down";
        if (probe is null) return null;
        if (_probed is { } recent && _time.GetElapsedTime(recent.At) < ProbeFor) return recent.Failure;
        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_probed is { } fresh && _time.GetElapsedTime(fresh.At) < ProbeFor) return fresh.Failure;
            string? failure = null;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await probe(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = "Not ready: " + (e is OperationCanceledException ? "the dependency probe timed out" : e.Message);
            }
            _probed = (_time.GetTimestamp(), failure);
            return failure;
        }
        finally
        {
            _probing.Release();
        }
    }
}
