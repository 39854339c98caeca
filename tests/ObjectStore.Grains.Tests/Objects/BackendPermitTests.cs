using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Objects;

public sealed class BackendPermitTests
{
    /// <summary>Counts permits; refuses every acquire while <see cref="Exhausted"/>.</summary>
    private sealed class CountingPermits : IBackendPermits
    {
        private int _inUse;
        public int Acquired;
        public volatile bool Exhausted;

        public int InUse => Volatile.Read(ref _inUse);

        public ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
        {
            if (Exhausted) throw new AtCapacityException();
            Interlocked.Increment(ref Acquired);
            Interlocked.Increment(ref _inUse);
            return new(new Permit(this));
        }

        private sealed class Permit(CountingPermits owner) : IDisposable
        {
            private int _disposed;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._inUse);
            }
        }
    }

    [Fact]
    public async Task Every_backend_operation_takes_a_permit_and_returns_it()
    {
        var permits = new CountingPermits();
        await using var cluster = await GrainsCluster.StartAsync(1, permits: permits);
        var grain = cluster.Object(new ObjectId("grains", Scopes.Empty, "permits"));

        await Gateway.PutAsync(grain, cluster.LongTerm, Gateway.Body(1, 100));
        var afterSmall = permits.Acquired;
        await Gateway.PutAsync(grain, cluster.LongTerm, Gateway.Body(2, 2000));
        await grain.Delete();
        await grain.Get();

        Assert.Equal(1, afterSmall);   // a small put only writes: the grain caches what it stored, no read-back
        Assert.True(permits.Acquired >= afterSmall + 4, $"begin, commit, delete and a read each take one: {permits.Acquired} in all");
        Assert.Equal(0, permits.InUse);
    }

    [Fact]
    public async Task A_mutation_refused_a_permit_fails_without_touching_storage()
    {
        var permits = new CountingPermits();
        await using var cluster = await GrainsCluster.StartAsync(1, permits: permits);
        var id = new ObjectId("grains", Scopes.Empty, "refused");
        permits.Exhausted = true;

        await Assert.ThrowsAsync<AtCapacityException>(() => cluster.Object(id).PutInline(Gateway.Metadata(), "x"u8.ToArray()));
        await Assert.ThrowsAsync<AtCapacityException>(() => cluster.Object(id).BeginLargeWrite(Gateway.Metadata()));
        permits.Exhausted = false;

        Assert.Equal(ObjectReadKind.NotFound, (await cluster.Object(id).Get()).Kind);
        var entries = new List<Storage.ChangeLog.ChangeEntry>();
        await foreach (var entry in cluster.ChangeLog.ListAsync(CancellationToken.None)) entries.Add(entry);
        Assert.Empty(entries);
    }
}
