namespace ObjectStore.Gateway.Batch;

/// <summary>Header names of batch request and response parts (api doc §7).</summary>
internal static class BatchHeaders
{
    /// <summary><c>x-sn-batch-operation-kind</c>: get, head, insert, delete.</summary>
    public const string Kind = "x-sn-batch-operation-kind";

    /// <summary><c>x-sn-batch-operation-key</c>: the percent-encoded key.</summary>
    public const string Key = "x-sn-batch-operation-key";

    /// <summary><c>x-sn-batch-operation-index</c>: the operation's 0-based index (responses).</summary>
    public const string Index = "x-sn-batch-operation-index";

    /// <summary><c>x-sn-batch-operation-status</c>: <c>&lt;code&gt; &lt;reason&gt;</c> (responses).</summary>
    public const string Status = "x-sn-batch-operation-status";

    /// <summary>The content-disposition every response part carries.</summary>
    public const string PartDisposition = "form-data; name=part";
}
