namespace ObjectStore.Runtime.Invocation;

/// <summary>
/// One call of one grain method: its arguments, how to invoke it, and (for methods with a result) the result.
/// The runtime never reflects over grain interfaces: every interface has a hand-written
/// <see cref="GrainInterface{TInterface}"/> with a proxy and one small request class per method. The pattern:
/// <code>
/// [GrainType("echo")]
/// public interface IEchoGrain : IGrainWithStringKey
/// {
///     Task&lt;string&gt; Echo(string text, CancellationToken cancellationToken = default);
///     Task Reset(CancellationToken cancellationToken = default);
/// }
///
/// public sealed class EchoGrainInterface : GrainInterface&lt;IEchoGrain&gt;
/// {
///     public override IEchoGrain CreateProxy(GrainReference reference) =&gt; new Proxy(reference);
///     public override GrainRequest? CreateRequest(ushort methodId) =&gt; methodId switch
///     {
///         EchoRequest.Id =&gt; new EchoRequest(),
///         ResetRequest.Id =&gt; new ResetRequest(),
///         _ =&gt; null,
///     };
///
///     private sealed class Proxy(GrainReference r) : IEchoGrain
///     {
///         public Task&lt;string&gt; Echo(string text, CancellationToken ct) =&gt; r.InvokeAsync(new EchoRequest { Text = text }, ct);
///         public Task Reset(CancellationToken ct) =&gt; r.InvokeAsync(new ResetRequest(), ct);
///     }
///
///     private sealed class EchoRequest : GrainRequest&lt;string&gt;
///     {
///         public const ushort Id = 1;
///         public string Text = "";
///         public override ushort MethodId =&gt; Id;
///         public override void WriteArguments(ref GrainWriter w) =&gt; w.WriteString(Text);
///         public override void ReadArguments(ref GrainReader r) =&gt; Text = r.ReadRequiredString();
///         protected override Task&lt;string&gt; Invoke(object grain, CancellationToken ct) =&gt; ((IEchoGrain)grain).Echo(Text, ct);
///         protected override void WriteResult(ref GrainWriter w, string result) =&gt; w.WriteString(result);
///         protected override string ReadResult(ref GrainReader r) =&gt; r.ReadRequiredString();
///     }
///
///     private sealed class ResetRequest : VoidGrainRequest
///     {
///         public const ushort Id = 2;
///         public override ushort MethodId =&gt; Id;
///         protected override Task Invoke(object grain, CancellationToken ct) =&gt; ((IEchoGrain)grain).Reset(ct);
///     }
/// }
/// </code>
/// Register it with the grain class on every silo, <c>siloBuilder.AddGrain&lt;IEchoGrain, EchoGrain&gt;(new EchoGrainInterface(), () =&gt; new EchoGrain(deps))</c>,
/// and on clients, <c>new ClusterClient(options, new EchoGrainInterface())</c>; then <c>factory.GetGrain&lt;IEchoGrain&gt;("key")</c>.
/// Local calls hand the request object to the activation as is (arguments and results are not copied: treat
/// them as immutable); only calls that cross silos are written and read. Method ids are stable wire identifiers
/// (never reuse one); 65535 is reserved for reminder ticks. Override <see cref="IsReadOnly"/> for methods marked
/// <c>[ReadOnly]</c>. Methods returning ValueTask wrap the proxy's Task: <c>new(r.InvokeAsync(...))</c>.
/// </summary>
public abstract class GrainRequest
{
    /// <summary>The method's stable id within its interface.</summary>
    public abstract ushort MethodId { get; }

    /// <summary>True when the method may interleave with other read-only requests on the same activation.</summary>
    public virtual bool IsReadOnly => false;

    /// <summary>This method's own deadline (Orleans' <c>[ResponseTimeout]</c>); null uses the default. Nested calls never get more than their caller has left.</summary>
    public virtual TimeSpan? ResponseTimeout => null;

    /// <summary>The method name used in metrics and logs.</summary>
    public virtual string MethodName => GetType().Name;

    /// <summary>Writes the arguments (cross-silo calls only).</summary>
    public virtual void WriteArguments(ref GrainWriter writer) { }

    /// <summary>Reads the arguments (cross-silo calls only).</summary>
    public virtual void ReadArguments(ref GrainReader reader) { }

    /// <summary>Calls the grain and keeps any result on this request.</summary>
    internal abstract Task RunAsync(object grain, CancellationToken cancellationToken);

    internal abstract void WriteResponse(ref GrainWriter writer);

    internal abstract void ReadResponse(ref GrainReader reader);
}

/// <summary>A request for a method returning <c>Task</c> (no result).</summary>
public abstract class VoidGrainRequest : GrainRequest
{
    /// <summary>Calls the method on <paramref name="grain"/>.</summary>
    protected abstract Task Invoke(object grain, CancellationToken cancellationToken);

    internal sealed override Task RunAsync(object grain, CancellationToken cancellationToken) => Invoke(grain, cancellationToken);

    internal sealed override void WriteResponse(ref GrainWriter writer) { }

    internal sealed override void ReadResponse(ref GrainReader reader) { }
}

/// <summary>A request for a method returning <c>Task&lt;TResult&gt;</c>.</summary>
public abstract class GrainRequest<TResult> : GrainRequest
{
    /// <summary>The result once the call completed.</summary>
    public TResult Result { get; private set; } = default!;

    /// <summary>Calls the method on <paramref name="grain"/>.</summary>
    protected abstract Task<TResult> Invoke(object grain, CancellationToken cancellationToken);

    /// <summary>Writes a result (cross-silo calls only).</summary>
    protected abstract void WriteResult(ref GrainWriter writer, TResult result);

    /// <summary>Reads a result (cross-silo calls only).</summary>
    protected abstract TResult ReadResult(ref GrainReader reader);

    internal sealed override async Task RunAsync(object grain, CancellationToken cancellationToken) =>
        Result = await Invoke(grain, cancellationToken);

    internal sealed override void WriteResponse(ref GrainWriter writer) => WriteResult(ref writer, Result);

    internal sealed override void ReadResponse(ref GrainReader reader) => Result = ReadResult(ref reader);
}
