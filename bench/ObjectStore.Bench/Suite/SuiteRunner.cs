using ObjectStore.Bench.Load;
using ObjectStore.Bench.Suite.Failover;
using ObjectStore.Bench.Suite.Memory;

namespace ObjectStore.Bench.Suite;

/// <summary>Runs the planned groups against started systems and writes one JSON file per group.</summary>
internal static class SuiteRunner
{
    /// <summary>Runs every group of <paramref name="options"/>; returns the number of failed runs (a lost or corrupted op fails a run).</summary>
    public static async Task<int> RunAsync(SuiteOptions options, TextWriter log, CancellationToken ct)
    {
        if (!File.Exists(options.SiloDll)) throw new FileNotFoundException($"no silo build at {options.SiloDll} (dotnet build -c Release src/Silo)");
        var machine = MachineInfo.Current();
        var failed = 0;
        await using (var systems = new SuiteSystems(options, log))
        {
            var plans = options.Groups.Where(g => !SuiteOptions.SpecialGroups.Contains(g)).Select(g => LoadScenarios.Plan(g, options)).ToList();
            for (var i = 0; i < plans.Count; i++)
            {
                var group = await RunGroupAsync(plans[i], systems, machine, options, log, ct);
                await SuiteJson.WriteAsync(Path.Combine(options.ResultsDirectory, plans[i].Name + ".json"), group, ct);
                failed += group.Runs.Count(r => r.Failed);
                await systems.StopUnneededAsync(plans.Skip(i + 1).SelectMany(p => p.Runs).Select(r => r.TargetSystem));
            }
        }
        if (options.Groups.Contains("memory"))
        {
            var memory = await MemoryBenchmark.RunAsync(options, machine, log, ct);
            await SuiteJson.WriteAsync(Path.Combine(options.ResultsDirectory, "memory.json"), memory, ct);
            if (memory.Failed) failed++;
        }
        if (options.Groups.Contains("failover"))
        {
            var failover = await FailoverBenchmark.RunAsync(options, machine, log, ct);
            await SuiteJson.WriteAsync(Path.Combine(options.ResultsDirectory, "failover.json"), failover, ct);
            if (failover.Failed) failed++;
        }
        return failed;
    }

    private static async Task<SuiteGroup> RunGroupAsync(PlannedGroup plan, SuiteSystems systems, MachineInfo machine, SuiteOptions options, TextWriter log,
        CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var load = MachineInfo.LoadAverage();
        var runs = new List<SuiteRun>();
        foreach (var planned in plan.Runs)
        {
            ct.ThrowIfCancellationRequested();
            log.WriteLine($"[{plan.Name}] {planned.Scenario}: {planned.System}, {planned.Spec.Concurrency} in flight, {planned.Spec.Duration.TotalSeconds:0.#} s");
            var run = new SuiteRun { Scenario = planned.Scenario, System = planned.System, Baseline = planned.Baseline, Concurrency = planned.Spec.Concurrency };
            try
            {
                var uri = await systems.TargetAsync(planned.TargetSystem, ct);
                await using var target = await LoadTargets.CreateAsync(uri, planned.Spec.Concurrency, ct);
                var spec = systems.FirstUse(planned.TargetSystem) && planned.Spec.Warmup > TimeSpan.Zero
                    ? planned.Spec with { Warmup = options.FirstWarmup }
                    : planned.Spec;
                var result = await LoadRunner.RunAsync(spec, target, log, ct);
                run = run with { Result = result };
                if (result.Failed)
                    log.WriteLine($"[{plan.Name}] FAILED operations on {planned.System}: " +
                        string.Join("; ", result.Operations.Where(o => o.Value.Failures > 0).Select(o => $"{o.Key} {o.Value.Failures}: {o.Value.FirstError}")));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.WriteLine($"[{plan.Name}] {planned.Scenario} on {planned.System} could not run: {e.Message}");
                run = run with { Error = e.GetType().Name + ": " + e.Message };
            }
            runs.Add(run);
        }
        return new SuiteGroup
        {
            Group = plan.Name,
            Description = plan.Description,
            Machine = machine,
            Started = started,
            LoadAverage = load,
            Quick = options.Quick,
            Runs = runs,
        };
    }
}
