using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Objects;

/// <summary><see cref="IObjectGrain.ExtendExpiry"/>: both tiers, every outcome, across silos and against the cache.</summary>
public sealed class ObjectGrainExpiryTests
{
    private static ObjectId Id(string key) => new("grains", Scopes.Parse("org=1"), key);

    private static ObjectInfo Policy(string expiration) => new() { Expiration = expiration, Origin = "10.0.0.9", Custom = new Dictionary<string, string> { ["kept"] = "yes" } };

    private static ExpiryRequest FromNow(TimeSpan after, TimeSpan? ttlMax = null) => new() { Anchor = ExpiryAnchor.Now, After = after, TtlMax = ttlMax };

    [Fact]
    public async Task An_inline_ttl_object_is_extended_and_every_silo_reads_the_new_deadline_and_ttl()
    {
        var clock = new ManualClock();
        await using var cluster = await GrainsCluster.StartAsync(2, time: clock);
        var id = Id("inline-ttl");
        var stored = await cluster.Object(id, 0).PutInline(Policy("ttl:1h"), "payload"u8.ToArray());
        // Cached on silo 0 before the extension: the grain must not answer from the old row afterwards.
        Assert.Equal(stored.TimeExpires, (await cluster.Object(id, 0).Get()).Metadata!.TimeExpires);

        var result = await cluster.Object(id, 1).ExtendExpiry(new ExpiryRequest { Anchor = ExpiryAnchor.Creation, After = TimeSpan.FromDays(30) });

        Assert.Equal(ExpiryResult.Extended, result);
        foreach (var silo in new[] { 0, 1 })
        {
            var read = await cluster.Object(id, silo).Get();
            Assert.Equal(stored.TimeCreated + TimeSpan.FromDays(30), read.Metadata!.TimeExpires);
            Assert.Equal("ttl:30d", read.Metadata.Expiration);
            Assert.Equal(("10.0.0.9", "yes"), (read.Metadata.Origin, read.Metadata.Custom!["kept"]));
            Assert.Equal("payload"u8.ToArray(), read.Payload.ToArray());
        }
        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(ObjectReadKind.Inline, (await cluster.Object(id, 0).Get()).Kind);
    }

    [Fact]
    public async Task A_large_object_behind_a_tombstone_is_extended_and_still_redirects_to_its_revision()
    {
        var clock = new ManualClock();
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var id = Id("large-tti");
        var body = Gateway.Body(3, 5000);
        await Gateway.PutAsync(cluster.Object(id), cluster.LongTerm, body, Policy("tti:1h"));
        var before = await cluster.Object(id).Get();

        var result = await cluster.Object(id).ExtendExpiry(new ExpiryRequest { Anchor = ExpiryAnchor.Absolute, At = clock.GetUtcNow() + TimeSpan.FromDays(3) });
        clock.Advance(TimeSpan.FromDays(2));
        var after = await cluster.Object(id).Get();

        Assert.Equal(ExpiryResult.Extended, result);
        Assert.Equal(ObjectReadKind.LongTerm, after.Kind);
        Assert.Equal(before.RevisionKey, after.RevisionKey);
        Assert.Equal("tti:1h", after.Metadata!.Expiration);
        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id), cluster.LongTerm));
    }

    [Fact]
    public async Task A_deadline_is_never_shortened()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var id = Id("long");
        var stored = await cluster.Object(id).PutInline(Policy("ttl:10d"), "x"u8.ToArray());

        Assert.Equal(ExpiryResult.AlreadySatisfied, await cluster.Object(id).ExtendExpiry(FromNow(TimeSpan.FromDays(1))));

        var head = (await cluster.Object(id).Head())!;
        Assert.Equal((stored.TimeExpires, "ttl:10d"), (head.TimeExpires, head.Expiration));
    }

    [Fact]
    public async Task Absent_expired_and_manual_objects_are_refused_and_unchanged()
    {
        var clock = new ManualClock();
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var expired = Id("expired");
        await cluster.Object(expired).PutInline(Policy("ttl:1m"), "x"u8.ToArray());
        await cluster.Object(Id("manual")).PutInline(Policy("manual"), "x"u8.ToArray());
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(ExpiryResult.NotFound, await cluster.Object(Id("absent")).ExtendExpiry(FromNow(TimeSpan.FromDays(1))));
        Assert.Equal(ExpiryResult.NotFound, await cluster.Object(expired).ExtendExpiry(FromNow(TimeSpan.FromDays(1))));
        Assert.Equal(ExpiryResult.NotExpiring, await cluster.Object(Id("manual")).ExtendExpiry(FromNow(TimeSpan.FromDays(1))));

        Assert.Null(await cluster.Object(Id("absent")).Head());
        Assert.Null(await cluster.Object(expired).Head());
        Assert.Null((await cluster.Object(Id("manual")).Head())!.TimeExpires);
    }

    [Fact]
    public async Task A_deadline_beyond_the_cap_from_now_or_beyond_any_timestamp_changes_nothing()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var id = Id("capped");
        var stored = await cluster.Object(id).PutInline(Policy("ttl:1h"), "x"u8.ToArray());

        Assert.Equal(ExpiryResult.BeyondLimit, await cluster.Object(id).ExtendExpiry(FromNow(TimeSpan.FromDays(2), ttlMax: TimeSpan.FromDays(1))));
        Assert.Equal(ExpiryResult.OutOfRange, await cluster.Object(id).ExtendExpiry(FromNow(TimeSpan.MaxValue)));
        Assert.Equal(ExpiryResult.Extended, await cluster.Object(id).ExtendExpiry(FromNow(TimeSpan.FromDays(1), ttlMax: TimeSpan.FromDays(1))));

        Assert.True((await cluster.Object(id).Head())!.TimeExpires > stored.TimeExpires);
    }

    [Fact]
    public async Task A_request_without_the_field_its_anchor_needs_is_an_argument_error()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Object(Id("k")).ExtendExpiry(new ExpiryRequest { Anchor = ExpiryAnchor.Absolute }));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Object(Id("k")).ExtendExpiry(new ExpiryRequest { Anchor = ExpiryAnchor.Creation, After = TimeSpan.FromSeconds(-1) }));
    }
}
