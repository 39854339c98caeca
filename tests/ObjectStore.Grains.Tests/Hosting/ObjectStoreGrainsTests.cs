using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Microsoft.Extensions.Hosting;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;
using Orleans.TestingHost;

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
            LongTerm = stores.LongTerm,
        };
    }

    /// <summary>A silo's service provider as the host builds it (not started), named <paramref name="siloName"/>.</summary>
    private static IHost SiloHost(string siloName, ObjectStoreGrainServices services)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            silo.Configure<SiloOptions>(o => o.SiloName = siloName);
            silo.AddObjectStoreGrains(services);
        });
        return builder.Build();
    }

    [Fact]
    public void The_services_resolve_only_for_the_silo_their_storage_is_owned_by()
    {
        var services = Services("silo-a");
        using var right = SiloHost("silo-a", services);
        using var wrong = SiloHost("silo-b", Services("someone-else"));

        Assert.Same(services, right.Services.GetRequiredService<ObjectStoreGrainServices>());
        var error = Assert.Throws<InvalidOperationException>(() => wrong.Services.GetRequiredService<ObjectStoreGrainServices>());
        Assert.Contains("'silo-b'", error.Message);
        Assert.Contains("'someone-else'", error.Message);
    }

    [Fact]
    public async Task A_silo_whose_storage_owner_is_not_its_name_fails_the_first_grain_activation_and_stores_nothing()
    {
        var services = Services("someone-else");
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(ObjectStoreGrains.StateStore);
            silo.AddObjectStoreGrains(services);
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var siloName = cluster.Silos[0].Name;
        var id = new ObjectId("grains", Scopes.Empty, "mis-owned");

        // Orleans reports the failed grain construction, with the owner check's error inside.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cluster.Client.GetObjectGrain(id).PutInline(Gateway.Metadata(), "x"u8.ToArray()));

        Assert.Contains($"the tiered storage's owner 'someone-else' must be the silo name '{siloName}'", error.ToString());
        Assert.Null((await services.HighVolume.ReadMetadataAsync(id, DateTimeOffset.UtcNow, CancellationToken.None)).Metadata);
    }

    [Fact]
    public void Wiring_refuses_invalid_grain_options_at_once()
    {
        var services = Services("silo-b");
        services.Recovery.BatchSize = 0;
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.ThrowsAny<ArgumentException>(() => builder.UseOrleans(silo => silo.AddObjectStoreGrains(services)));

        Assert.Contains("BatchSize", error.Message);
    }

    [Theory]
    [InlineData("MutationTimeout")]
    [InlineData("Grace")]
    [InlineData("CacheBudgetBytes")]
    public void Every_options_group_is_validated_at_wiring(string setting)
    {
        var services = Services("silo-c");
        switch (setting)
        {
            case "MutationTimeout": services.Objects.MutationTimeout = TimeSpan.Zero; break;
            case "Grace": services.Sweep.Grace = TimeSpan.FromSeconds(1); break;
            default: services.Objects.CacheBudgetBytes = -1; break;
        }
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.ThrowsAny<ArgumentException>(() => builder.UseOrleans(silo => silo.AddObjectStoreGrains(services)));

        Assert.Contains(setting, error.Message);
    }

    public ValueTask DisposeAsync() => _jobs.DisposeAsync();
}
