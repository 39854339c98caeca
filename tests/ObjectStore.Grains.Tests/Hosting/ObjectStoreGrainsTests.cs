using ObjectStore.Grains.Hosting;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Tests.Hosting;

public sealed class ObjectStoreGrainsTests
{
    [Fact]
    public async Task Wiring_refuses_a_tiered_storage_whose_owner_is_not_the_silo_id()
    {
        var stores = GrainsCluster.InMemoryStores();
        await using var jobs = new BackgroundJobLoop();
        var builder = new SiloBuilder().Configure(o => o.SiloId = "silo-a");
        var services = new ObjectStoreGrainServices
        {
            Storage = new TieredStorage(stores.HighVolume, stores.LongTerm, stores.ChangeLog, jobs, new TieredStorageOptions { Owner = "someone-else" }),
            HighVolume = stores.HighVolume,
            LiveSilos = ObjectStoreGrainServices.LiveSilosOf(new InProcessMembership()),
        };

        var error = Assert.Throws<ArgumentException>(() => builder.AddObjectStoreGrains(services));

        Assert.Contains("silo-a", error.Message);
        Assert.Contains("someone-else", error.Message);
    }

    [Fact]
    public async Task Wiring_refuses_invalid_grain_options()
    {
        var stores = GrainsCluster.InMemoryStores();
        await using var jobs = new BackgroundJobLoop();
        var builder = new SiloBuilder().Configure(o => o.SiloId = "silo-b");
        var services = new ObjectStoreGrainServices
        {
            Storage = new TieredStorage(stores.HighVolume, stores.LongTerm, stores.ChangeLog, jobs, new TieredStorageOptions { Owner = "silo-b" }),
            HighVolume = stores.HighVolume,
            LiveSilos = ObjectStoreGrainServices.LiveSilosOf(new InProcessMembership()),
        };
        services.Recovery.BatchSize = 0;

        var error = Assert.ThrowsAny<ArgumentException>(() => builder.AddObjectStoreGrains(services));

        Assert.Contains("BatchSize", error.Message);
    }
}
