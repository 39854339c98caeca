namespace ObjectStore.Grains.Concurrency;

/// <summary>No service permit could be had in time; 429 with <see cref="Detail"/>. Serializable, so it crosses silos as itself.</summary>
[GenerateSerializer, Alias("objectstore.AtCapacityException")]
public sealed class AtCapacityException : Exception
{
    /// <summary>The at-capacity error.</summary>
    public AtCapacityException() : base("concurrency limit reached") { }

    /// <summary>The JSON <c>detail</c> text.</summary>
    public static string Detail => "service error: concurrency limit reached";
}
