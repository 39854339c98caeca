namespace ObjectStore.Runtime.Membership;

/// <summary>An immutable snapshot of the live silos, ordered by silo id, with a version that only grows.</summary>
public sealed class MembershipView
{
    /// <summary>Creates a view.</summary>
    public MembershipView(long version, IReadOnlyList<SiloInfo> liveSilos)
    {
        Version = version;
        LiveSilos = liveSilos.OrderBy(s => s.SiloId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The empty view (before joining).</summary>
    public static readonly MembershipView Empty = new(0, []);

    /// <summary>Monotonic version; a higher one replaces a lower one.</summary>
    public long Version { get; }

    /// <summary>Active silos with a valid lease, ordered by id.</summary>
    public IReadOnlyList<SiloInfo> LiveSilos { get; }

    /// <summary>True when the silo is in this view.</summary>
    public bool Contains(string siloId)
    {
        foreach (var s in LiveSilos)
            if (s.SiloId == siloId) return true;
        return false;
    }
}
