namespace ObjectStore.Grains.Concurrency;

/// <summary>No service permit could be had in time; 429 with <see cref="Detail"/>.</summary>
public sealed class AtCapacityException() : Exception("concurrency limit reached")
{
    /// <summary>The JSON <c>detail</c> text.</summary>
    public static string Detail => "service error: concurrency limit reached";
}
