namespace ObjectStore.Runtime.Grains;

/// <summary>
/// Many activations per key, always placed on the calling silo (Orleans' <c>[StatelessWorker]</c>).
/// At most <see cref="MaxLocalWorkers"/> per silo (default: one per core); idle workers are removed.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers) : Attribute
{
    /// <summary>One worker per core.</summary>
    public StatelessWorkerAttribute() : this(Environment.ProcessorCount) { }

    /// <summary>The cap on local workers per key.</summary>
    public int MaxLocalWorkers { get; } = maxLocalWorkers > 0 ? maxLocalWorkers : Environment.ProcessorCount;
}

/// <summary>
/// Marks an interface method read-only (Orleans' <c>[ReadOnly]</c>): it may interleave with other read-only
/// requests. The runtime reads the flag from the request class (<see cref="Invocation.GrainRequest.IsReadOnly"/>);
/// the attribute keeps the interface in Orleans' shape.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>
/// Pins the stable grain type name (Orleans' <c>[GrainType]</c>). Put it on the grain interface (clients only know
/// interfaces); on the class it must agree. Without it the name is the interface name without its leading "I".
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The type name, part of every grain id and hash; never rename a deployed one.</summary>
    public string Name { get; } = name;
}
