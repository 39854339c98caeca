namespace ObjectStore.Grains.Batch;

/// <summary>What one batch operation does (<c>x-sn-batch-operation-kind</c>, api doc §7.1).</summary>
public enum BatchOperationKind
{
    /// <summary>Read the whole object: 200 with metadata and payload, or 404.</summary>
    Get,

    /// <summary>Read the metadata: 204 with metadata, or 404.</summary>
    Head,

    /// <summary>Store a payload of at most 1 MiB under the given or a generated key: 201.</summary>
    Insert,

    /// <summary>Delete the object, idempotently: 204.</summary>
    Delete,
}
