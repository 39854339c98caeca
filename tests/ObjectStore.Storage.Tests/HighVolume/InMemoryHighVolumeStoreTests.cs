using ObjectStore.Storage.HighVolume;

namespace ObjectStore.Storage.Tests.HighVolume;

/// <summary>The HV contract on the in-memory store the grain and scenario tests use.</summary>
public sealed class InMemoryHighVolumeStoreTests : HighVolumeStoreContract
{
    protected override Task<IHighVolumeStore> CreateStoreAsync() => Task.FromResult<IHighVolumeStore>(new InMemoryHighVolumeStore());
}
