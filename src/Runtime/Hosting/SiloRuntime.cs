using Microsoft.Extensions.Logging;
using ObjectStore.Runtime.Activations;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Reminders;
using ObjectStore.Runtime.Transport;

namespace ObjectStore.Runtime.Hosting;

/// <summary>The services one silo's activations use: options, grain types, catalog, router, reminders, logger.</summary>
internal sealed class SiloRuntime
{
    private readonly IReadOnlyDictionary<string, GrainTypeInfo> _types;
    private int _sweepRequested;

    public SiloRuntime(SiloOptions options, IReadOnlyDictionary<string, GrainTypeInfo> types, IReminderTable? reminderTable, ILogger logger)
    {
        Options = options;
        _types = types;
        Logger = logger;
        Catalog = new ActivationCatalog(this);
        Reminders = new ReminderService(this, reminderTable);
    }

    public string SiloId => Options.SiloId;

    public SiloOptions Options { get; }

    public ILogger Logger { get; }

    public ActivationCatalog Catalog { get; }

    public ReminderService Reminders { get; }

    /// <summary>Set once at construction of the silo (router and runtime reference each other).</summary>
    public GrainCallRouter Router { get; set; } = null!;

    public IGrainFactory GrainFactory { get; set; } = null!;

    public GrainTypeInfo? FindType(string name) => _types.GetValueOrDefault(name);

    /// <summary>Routes a call again after the activation it waited on left (it may now belong to another silo).</summary>
    public void Redispatch(GrainCall call)
    {
        if (call.Request is null) call.TrySetCanceled();
        else Router.Send(call);
    }

    /// <summary>Runs a sweep soon (the silo went over its activation budget).</summary>
    public void RequestSweep()
    {
        if (Interlocked.Exchange(ref _sweepRequested, 1) == 1) return;
        ThreadPool.UnsafeQueueUserWorkItem(static runtime =>
        {
            Volatile.Write(ref runtime._sweepRequested, 0);
            runtime.Catalog.Sweep();
        }, this, preferLocal: false);
    }
}
