using System.Collections.Concurrent;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Activations;

/// <summary>
/// The activations of this silo: at most one per grain id (stateless workers: one pool per id), created on the
/// first call. A periodic sweep deactivates activations idle longer than their type's collection age and, when
/// the silo holds more than its activation budget, the least recently used idle ones down to 90 % of the budget
/// (a creation past the budget triggers a sweep at once).
/// </summary>
internal sealed class ActivationCatalog(SiloRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly ConcurrentDictionary<GrainId, StatelessWorkerPool> _pools = new();
    private int _count;
    private volatile bool _closed;

    /// <summary>Activations (not counting stateless workers).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Stateless workers of one id on this silo.</summary>
    public int WorkerCount(GrainId id) => _pools.TryGetValue(id, out var pool) ? pool.Count : 0;

    public bool Contains(GrainId id) => _activations.ContainsKey(id);

    /// <summary>Hands the call to its activation, creating it if needed; false when closed (shutting down) and none exists.</summary>
    public bool TryDispatch(GrainCall call, GrainTypeInfo type)
    {
        if (type.IsStatelessWorker)
        {
            if (!_pools.TryGetValue(call.Id, out var pool))
            {
                if (_closed) return false;
                pool = _pools.GetOrAdd(call.Id, static (id, s) => new StatelessWorkerPool(id, s.type, s.runtime), (type, runtime));
            }
            return pool.TryDispatch(call, _closed);
        }
        while (true)
        {
            if (!_activations.TryGetValue(call.Id, out var activation))
            {
                if (_closed) return false;
                var created = new Activation(call.Id, type, runtime, null);
                activation = _activations.GetOrAdd(call.Id, created);
                if (ReferenceEquals(activation, created) && Interlocked.Increment(ref _count) > runtime.Options.MaxActivations)
                    runtime.RequestSweep();
            }
            if (activation.TryEnqueue(call)) return true;
            Remove(activation);
        }
    }

    public void Remove(Activation activation)
    {
        if (activation.Pool is { } pool) pool.Remove(activation);
        else if (_activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation))) Interlocked.Decrement(ref _count);
    }

    /// <summary>Deactivates idle activations past their age, then least recently used idle ones while over budget.</summary>
    public void Sweep()
    {
        var now = Environment.TickCount64;
        var idle = new DeactivationReason(DeactivationReasonCode.ActivationIdle, "idle longer than the collection age");
        foreach (var activation in All())
        {
            if (activation.Load == 0 && now - activation.LastActivityMs >= activation.Type.CollectionAgeMs)
                activation.RequestDeactivation(idle, activation.Type.CollectionAgeMs);
        }
        if (Count <= runtime.Options.MaxActivations) return;
        // Down to 90 % of the budget, so a silo at its budget does not sort all activations on every creation.
        var excess = Count - runtime.Options.MaxActivations * 9 / 10;
        var budget = new DeactivationReason(DeactivationReasonCode.ActivationBudget, "silo over its activation budget");
        foreach (var activation in _activations.Values.Where(a => a.Load == 0).OrderBy(a => a.LastActivityMs).Take(excess))
            activation.RequestDeactivation(budget, 0);
    }

    /// <summary>Stops creating activations and deactivates all; completes when all left or the token fires.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _closed = true;
        while (true)
        {
            var all = All().ToArray();
            if (all.Length == 0) return;
            foreach (var activation in all) activation.RequestDeactivation(reason);
            await Task.WhenAll(all.Select(a => a.Gone)).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Drops every activation without deactivation hooks (kill, fencing).</summary>
    public void AbandonAll(Exception error)
    {
        _closed = true;
        foreach (var activation in All()) activation.Abandon(error);
    }

    private IEnumerable<Activation> All()
    {
        foreach (var activation in _activations.Values) yield return activation;
        foreach (var pool in _pools.Values)
            foreach (var worker in pool.Snapshot()) yield return worker;
    }
}
