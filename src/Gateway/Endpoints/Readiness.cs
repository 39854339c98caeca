namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// Whether <c>/ready</c> answers 200 (api doc §3.6): not while the process drains, and not while the shutdown
/// marker file (<c>objectstore down</c>) exists.
/// </summary>
internal sealed class Readiness(string downFile)
{
    /// <summary>The marker the reference uses.</summary>
    public const string DefaultDownFile = "/tmp/objectstore.down";

    private volatile bool _draining;

    /// <summary>The marker file checked on every probe.</summary>
    public string DownFile { get; } = downFile;

    /// <summary>True once <see cref="BeginDrain"/> ran.</summary>
    public bool Draining => _draining;

    /// <summary>Flips readiness off for good; in-flight and new requests are still served while the host stops.</summary>
    public void BeginDrain() => _draining = true;

    /// <summary>True when the load balancer may route here.</summary>
    public bool IsReady => !_draining && !File.Exists(DownFile);
}
