using System.Reflection;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Runtime.Invocation;

/// <summary>
/// The hand-written runtime description of one grain interface: its stable grain type name, a proxy factory
/// and a request factory by method id (see <see cref="GrainRequest"/> for the pattern). Registered explicitly on
/// a silo (<c>SiloBuilder.AddGrain</c>) or a client (<c>ClusterClient.AddInterface</c>); no assembly scanning.
/// </summary>
public abstract class GrainInterface
{
    private protected GrainInterface(Type interfaceType)
    {
        InterfaceType = interfaceType;
        // Start-up only: the one place attributes are read.
        GrainType = interfaceType.GetCustomAttribute<GrainTypeAttribute>()?.Name
            ?? (interfaceType.Name.StartsWith('I') && interfaceType.Name.Length > 1 ? interfaceType.Name[1..] : interfaceType.Name);
    }

    /// <summary>The grain interface type.</summary>
    public Type InterfaceType { get; }

    /// <summary>The stable grain type name (from <see cref="GrainTypeAttribute"/> on the interface, else the name without "I").</summary>
    public string GrainType { get; }

    /// <summary>A fresh request for <paramref name="methodId"/>, or null for an unknown id.</summary>
    public abstract GrainRequest? CreateRequest(ushort methodId);

    internal abstract object CreateProxyObject(GrainReference reference);
}

/// <summary>The description of grain interface <typeparamref name="TInterface"/>.</summary>
public abstract class GrainInterface<TInterface> : GrainInterface where TInterface : class, IGrainWithStringKey
{
    /// <summary>Reads the grain type name from <typeparamref name="TInterface"/>.</summary>
    protected GrainInterface() : base(typeof(TInterface)) { }

    /// <summary>A proxy implementing <typeparamref name="TInterface"/> over <paramref name="reference"/>.</summary>
    public abstract TInterface CreateProxy(GrainReference reference);

    internal sealed override object CreateProxyObject(GrainReference reference) => CreateProxy(reference);
}
