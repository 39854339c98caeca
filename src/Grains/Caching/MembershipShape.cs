namespace ObjectStore.Grains.Caching;

/// <summary>
/// The shape of this silo's membership view: how many silos are active and how many dead. Orleans' default grain
/// directory is eventually consistent: when a silo dies its directory entries are lost, and when one joins, ranges move
/// to it; either way a key whose activation lives on one silo can get a second activation on another. Both are safe for
/// writes (the HV CAS decides), but an activation's cached row would fall behind a write through the other, so an object
/// grain that sees this shape change since it activated stops answering from its cache and leaves
/// (<see cref="Objects.ObjectGrain"/>); the key's next activation registers in the settled directory.
/// </summary>
public sealed class MembershipShape(IClusterMembershipService membership)
{
    private Seen _seen = new(MembershipVersion.MinValue, 0);

    /// <summary>A number that changes whenever a silo joins or dies in the current view (recomputed only when the view's version moved).</summary>
    public long Current
    {
        get
        {
            var snapshot = membership.CurrentSnapshot;
            var seen = Volatile.Read(ref _seen);
            if (snapshot.Version == seen.Version) return seen.Shape;
            var members = snapshot.Members.Values;
            var shape = ((long)members.Count(m => m.Status == SiloStatus.Dead) << 32) | (uint)members.Count(m => m.Status == SiloStatus.Active);
            seen = new Seen(snapshot.Version, shape);
            Volatile.Write(ref _seen, seen);
            return seen.Shape;
        }
    }

    private sealed record Seen(MembershipVersion Version, long Shape);
}
