using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Placement;

namespace ObjectStore.Runtime.Tests.Placement;

public sealed class RendezvousPlacementTests
{
    private static readonly GrainId[] s_keys = [.. Enumerable.Range(0, 5000).Select(i => new GrainId("object", $"bucket/key-{i}"))];

    private static MembershipView View(long version, params string[] silos) => new(version,
        [.. silos.Select(s => new SiloInfo(s, $"http://{s}", SiloStatus.Active, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue))]);

    private static Dictionary<GrainId, string> Owners(MembershipView view)
    {
        var placement = new RendezvousPlacement(view);
        return s_keys.ToDictionary(k => k, k => placement.Owner(k.Hash)!.SiloId);
    }

    [Fact]
    public void Placement_is_stable_while_membership_is_stable()
    {
        Assert.Equal(Owners(View(1, "s1", "s2", "s3", "s4")), Owners(View(7, "s4", "s3", "s2", "s1")));
    }

    [Fact]
    public void A_departed_silo_moves_only_its_own_keys()
    {
        var before = Owners(View(1, "s1", "s2", "s3", "s4", "s5"));
        var after = Owners(View(2, "s1", "s2", "s4", "s5"));

        foreach (var key in s_keys)
        {
            if (before[key] == "s3") Assert.NotEqual("s3", after[key]);
            else Assert.Equal(before[key], after[key]);
        }
        Assert.InRange(before.Values.Count(v => v == "s3"), 500, 1500);
    }

    [Fact]
    public void A_joined_silo_takes_only_the_keys_it_now_owns()
    {
        var before = Owners(View(1, "s1", "s2", "s3"));
        var after = Owners(View(2, "s1", "s2", "s3", "s9"));

        var moved = s_keys.Where(k => before[k] != after[k]).ToArray();
        Assert.All(moved, k => Assert.Equal("s9", after[k]));
        Assert.InRange(moved.Length, 800, 1700);
    }

    [Fact]
    public void Keys_spread_over_all_silos()
    {
        var counts = Owners(View(1, "a", "b", "c", "d")).Values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 900, 1600));
    }

    [Fact]
    public void No_owner_without_live_silos()
    {
        Assert.Null(new RendezvousPlacement(MembershipView.Empty).Owner(42));
    }
}
