namespace ObjectStore.Grains.Caching;

/// <summary>
/// How many silos this silo's membership view holds as dead. Orleans' default grain directory is eventually consistent:
/// when a silo dies, the directory entries it owned are lost, and a key whose activation lives on a survivor can get a
/// second activation elsewhere. Both are safe for writes (the HV CAS decides), but an activation's cached row would fall
/// behind a write through the other, so an object grain that sees this count change since it activated stops answering
/// from its cache and leaves (<see cref="Objects.ObjectGrain"/>); the key's next activation registers in the recovered directory.
/// </summary>
public sealed class SiloDeaths(IClusterMembershipService membership)
{
    private Seen _seen = new(MembershipVersion.MinValue, 0);

    /// <summary>The dead silos in the current membership view (recounted only when the view's version moved).</summary>
    public int Count
    {
        get
        {
            var snapshot = membership.CurrentSnapshot;
            var seen = Volatile.Read(ref _seen);
            if (snapshot.Version == seen.Version) return seen.Dead;
            seen = new Seen(snapshot.Version, snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead));
            Volatile.Write(ref _seen, seen);
            return seen.Dead;
        }
    }

    private sealed record Seen(MembershipVersion Version, int Dead);
}
