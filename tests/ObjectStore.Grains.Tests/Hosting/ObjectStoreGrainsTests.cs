using ObjectStore.Grains.Hosting;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Tests.Hosting;

public sealed class ObjectStoreGrainsTests : IAsyncDisposable
{
    private readonly BackgroundJobLoop _jobs = new();

    private ObjectStoreGrainServices Services(string owner)
    {
        var stores = GrainsCluster.InMemoryStores();
        return new ObjectStoreGrainServices
        {
            Storage = new TieredStorage(stores.HighVolume, stores.LongTerm, stores.ChangeLog, _jobs, new TieredStorageOptions { Owner = owner }),
            HighVolume = stores.HighVolume,
            LiveSilos = ObjectStoreGrainServices.LiveSilosOf(new InProcessMembership()),
        };
    }

    [Fact]
    public void Wiring_refuses_a_tiered_storage_whose_owner_is_not_the_silo_id()
    {
        var builder = new SiloBuilder().Configure(o => o.SiloId = "silo-a");

        var error = Assert.Throws<ArgumentException>(() => builder.AddObjectStoreGrains(Services("someone-else")));

        Assert.Contains("silo-a", error.Message);
        Assert.Contains("someone-else", error.Message);
    }

    [Fact]
    public void Wiring_refuses_invalid_grain_options()
    {
        var builder = new SiloBuilder().Configure(o => o.SiloId = "silo-b");
        var services = Services("silo-b");
        services.Recovery.BatchSize = 0;

        var error = Assert.ThrowsAny<ArgumentException>(() => builder.AddObjectStoreGrains(services));

        Assert.Contains("BatchSize", error.Message);
    }

    public ValueTask DisposeAsync() => _jobs.DisposeAsync();
}
