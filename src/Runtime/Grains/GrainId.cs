using ObjectStore.Runtime.Placement;

namespace ObjectStore.Runtime.Grains;

/// <summary>A grain's identity: (grain type, key), with its stable 64-bit hash (<see cref="GrainHash"/>).</summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    /// <summary>Creates an id; both parts are required.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        Hash = GrainHash.Of(type, key);
    }

    /// <summary>The grain type name.</summary>
    public string Type { get; }

    /// <summary>The string key.</summary>
    public string Key { get; }

    /// <summary>The stable, versioned 64-bit hash of (type, key).</summary>
    public ulong Hash { get; }

    /// <inheritdoc/>
    public bool Equals(GrainId other) => Hash == other.Hash && Key == other.Key && Type == other.Type;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)Hash ^ (int)(Hash >> 32);

    /// <inheritdoc/>
    public override string ToString() => $"{Type}/{Key}";
}
