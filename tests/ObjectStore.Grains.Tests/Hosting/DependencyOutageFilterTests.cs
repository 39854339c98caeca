using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using Npgsql;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Grains.Tests.Hosting;

public sealed class DependencyOutageFilterTests
{
    [Fact]
    public async Task A_PostgreSQL_failure_in_a_grain_on_another_silo_reaches_the_caller_as_DependencyUnavailableException_naming_it()
    {
        var hv = UnreachableHighVolumeStore.Wrap(new InMemoryHighVolumeStore(), out var unreachable);
        await using var cluster = await GrainsCluster.StartAsync(2, new SharedStores(hv, new InMemoryLongTermStore(), new InMemoryChangeLog()));
        var id = await cluster.IdOwnedByAsync(cluster.Silos[0], "outage");

        // Npgsql's exception types do not cross Orleans' serializer: without the filter this is a CodecNotFoundException.
        unreachable.Value = true;
        var fromOtherSilo = await Assert.ThrowsAsync<DependencyUnavailableException>(() => cluster.Object(id, silo: 1).Delete());
        var fromOwnSilo = await Assert.ThrowsAsync<DependencyUnavailableException>(() => cluster.Object(id, silo: 0).Delete());

        Assert.Equal("PostgreSQL is unreachable", fromOtherSilo.Dependency);
        Assert.Equal("PostgreSQL is unreachable", fromOwnSilo.Dependency);
        Assert.Contains("Failed to connect", fromOtherSilo.Message, StringComparison.Ordinal);
    }

    /// <summary>An HV store whose every call fails as Npgsql fails when PostgreSQL refuses connections, while the switch is on.</summary>
    public class UnreachableHighVolumeStore : DispatchProxy
    {
        private IHighVolumeStore _inner = null!;
        private StrongBox<bool> _unreachable = null!;

        public static IHighVolumeStore Wrap(IHighVolumeStore inner, out StrongBox<bool> unreachable)
        {
            var proxy = Create<IHighVolumeStore, UnreachableHighVolumeStore>();
            var self = (UnreachableHighVolumeStore)(object)proxy;
            (self._inner, self._unreachable) = (inner, unreachable = new StrongBox<bool>());
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            _unreachable.Value
                ? throw new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused))
                : targetMethod!.Invoke(_inner, args);
    }
}
