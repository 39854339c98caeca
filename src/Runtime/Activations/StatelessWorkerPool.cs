using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Activations;

/// <summary>
/// The local workers of one stateless-worker grain id. Selection as in Orleans: the first idle worker (oldest
/// first), else a new worker while under the cap, else the worker with the fewest queued calls. Idle workers
/// are removed by the catalog's sweep.
/// </summary>
internal sealed class StatelessWorkerPool(GrainId id, GrainTypeInfo type, SiloRuntime runtime)
{
    private readonly List<Activation> _workers = [];

    public int Count
    {
        get { lock (_workers) return _workers.Count; }
    }

    public bool TryDispatch(GrainCall call, bool closed)
    {
        while (true)
        {
            Activation? chosen = null;
            lock (_workers)
            {
                foreach (var worker in _workers)
                {
                    if (worker.Load == 0 && !worker.IsDeactivated)
                    {
                        chosen = worker;
                        break;
                    }
                }
                if (chosen is null && !closed && _workers.Count < type.MaxLocalWorkers)
                {
                    chosen = new Activation(id, type, runtime, this);
                    _workers.Add(chosen);
                }
                if (chosen is null)
                {
                    foreach (var worker in _workers)
                        if (!worker.IsDeactivated && (chosen is null || worker.Load < chosen.Load)) chosen = worker;
                }
            }
            if (chosen is null) return false;
            if (chosen.TryEnqueue(call)) return true;
            Remove(chosen);
        }
    }

    public void Remove(Activation worker)
    {
        lock (_workers) _workers.Remove(worker);
    }

    public Activation[] Snapshot()
    {
        lock (_workers) return [.. _workers];
    }
}
