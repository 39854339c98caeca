using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// Logs every membership view the silo adopts with its count of live silos: what an operator reads to see a silo
/// join, leave or be declared dead, and what the benchmark fleet waits on before measuring a converged cluster.
/// </summary>
internal sealed partial class MembershipLog(IClusterMembershipService membership, ILocalSiloDetails local, ILogger<MembershipLog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var logged = long.MinValue;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                // The stream repeats a view on every table refresh; only a new version is news.
                if (snapshot.Version.Value == logged) continue;
                logged = snapshot.Version.Value;
                var live = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
                var dead = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead);
                LogView(logger, snapshot.Version.Value, live, dead, local.SiloAddress);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership view {Version}: {Live} live silos ({Dead} declared dead); this silo is {Silo}")]
    private static partial void LogView(ILogger logger, long version, int live, int dead, SiloAddress silo);
}
