using ObjectStore.Storage.HighVolume;

namespace ObjectStore.Storage.Tests.HighVolume;

/// <summary>The HV contract on a real PostgreSQL database.</summary>
public sealed class PostgresHighVolumeStoreTests(PostgresTestDatabase database) : HighVolumeStoreContract, IClassFixture<PostgresTestDatabase>
{
    protected override async Task<IHighVolumeStore> CreateStoreAsync()
    {
        var store = new PostgresHighVolumeStore(database.DataSource);
        await store.InitializeAsync(CancellationToken.None);
        await database.TruncateAsync("hv_objects");
        return store;
    }
}
