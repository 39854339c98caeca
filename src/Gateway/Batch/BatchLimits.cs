namespace ObjectStore.Gateway.Batch;

/// <summary>The batch endpoint's limits (api doc §7.1); the defaults are the contract's.</summary>
internal sealed record BatchLimits
{
    /// <summary>Operations per request; parts beyond it fail with 413 each. Default 1000.</summary>
    public int MaxOperations { get; init; } = 1000;

    /// <summary>Largest insert payload; larger parts fail with 413. Default 1 MiB.</summary>
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest request body. Default 1 GiB.</summary>
    public long MaxBodyBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Largest header section of one part; larger parts fail with 400. Default 64 KiB.</summary>
    public int MaxPartHeaderBytes { get; init; } = 64 * 1024;

    /// <summary>The contract's limits.</summary>
    public static BatchLimits Default { get; } = new();
}
