using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Reminders;

namespace ObjectStore.Runtime.Hosting;

/// <summary>
/// Configures and builds a <see cref="Silo"/>. Grain types are registered explicitly (no assembly scanning):
/// <c>builder.AddGrain&lt;IPingGrain, PingGrain&gt;(new PingGrainInterface(), () =&gt; new PingGrain())</c>.
/// </summary>
public sealed class SiloBuilder
{
    private readonly List<Func<SiloOptions, GrainTypeInfo>> _grains = [];
    private IMembershipProvider? _membership;
    private IReminderTable? _reminders;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;

    /// <summary>The silo's options.</summary>
    public SiloOptions Options { get; } = new();

    /// <summary>Changes options.</summary>
    public SiloBuilder Configure(Action<SiloOptions> configure)
    {
        configure(Options);
        return this;
    }

    /// <summary>The membership provider (default: a private in-process group, i.e. a single silo).</summary>
    public SiloBuilder UseMembership(IMembershipProvider membership)
    {
        _membership = membership;
        return this;
    }

    /// <summary>The durable reminder table (none by default: registering a reminder then fails).</summary>
    public SiloBuilder UseReminderTable(IReminderTable reminders)
    {
        _reminders = reminders;
        return this;
    }

    /// <summary>Where runtime logs go.</summary>
    public SiloBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>
    /// Registers grain class <typeparamref name="TGrain"/> for <typeparamref name="TInterface"/>; <paramref name="factory"/>
    /// creates one instance per activation. <see cref="StatelessWorkerAttribute"/> on the class makes it a local pool.
    /// </summary>
    public SiloBuilder AddGrain<TInterface, TGrain>(GrainInterface<TInterface> grainInterface, Func<TGrain> factory, Action<GrainTypeOptions>? configure = null)
        where TInterface : class, IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        ArgumentNullException.ThrowIfNull(grainInterface);
        ArgumentNullException.ThrowIfNull(factory);
        var classType = typeof(TGrain).GetCustomAttribute<GrainTypeAttribute>()?.Name;
        if (classType is not null && classType != grainInterface.GrainType)
            throw new ArgumentException($"[GrainType(\"{classType}\")] on {typeof(TGrain).Name} disagrees with its interface's type name '{grainInterface.GrainType}'.");
        var worker = typeof(TGrain).GetCustomAttribute<StatelessWorkerAttribute>();
        var typeOptions = new GrainTypeOptions();
        configure?.Invoke(typeOptions);
        _grains.Add(options => new GrainTypeInfo(
            grainInterface,
            factory,
            worker?.MaxLocalWorkers ?? 0,
            typeOptions.CollectionAge ?? (worker is null ? options.CollectionAge : options.StatelessWorkerIdleAge),
            typeOptions.MailboxCapacity));
        return this;
    }

    /// <summary>Builds the silo (not started).</summary>
    public Silo Build()
    {
        Options.Validate();
        var types = new Dictionary<string, GrainTypeInfo>(StringComparer.Ordinal);
        var interfaces = new Dictionary<Type, GrainInterface>();
        foreach (var make in _grains)
        {
            var type = make(Options);
            if (!types.TryAdd(type.Name, type)) throw new InvalidOperationException($"Grain type '{type.Name}' is registered twice.");
            interfaces[type.Interface.InterfaceType] = type.Interface;
        }
        var runtime = new SiloRuntime(Options, types, _reminders, _loggerFactory.CreateLogger("ObjectStore.Runtime.Silo"));
        return new Silo(runtime, _membership ?? new InProcessMembership(), interfaces);
    }
}
