using Microsoft.Extensions.Hosting;

namespace ObjectStore.Runtime.Hosting;

/// <summary>Runs a <see cref="Silo"/> as a hosted service (co-hosting in ASP.NET Core, Orleans' <c>UseOrleans</c> role).</summary>
public sealed class SiloHostedService(Silo silo) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => silo.StartAsync(cancellationToken);

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);
}
