using ObjectStore.Storage.Diagnostics;

namespace ObjectStore.Grains.Hosting;

/// <summary>
/// Turns a dependency failure thrown by one of this package's grains into a <see cref="DependencyUnavailableException"/>
/// naming the dependency. Without it an outage seen on another silo reached the caller as a 500: Orleans serializes
/// only exceptions of the System, Microsoft and Azure namespaces, so an <c>NpgsqlException</c> answer failed with
/// <c>CodecNotFoundException</c> instead. Local calls go through the filter too, so callers see one type either way.
/// </summary>
internal sealed class DependencyOutageFilter : IIncomingGrainCallFilter
{
    /// <inheritdoc/>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DependencyUnavailableException && IsOurs(context) && DependencyOutage.Find(e) is { } outage)
        {
            throw new DependencyUnavailableException(outage.Dependency, outage.Failure.Message);
        }
    }

    // Orleans' own grains keep their exceptions: the runtime may act on their types.
    private static bool IsOurs(IIncomingGrainCallContext context) =>
        context.InterfaceMethod?.DeclaringType?.Assembly == typeof(DependencyUnavailableException).Assembly;
}
