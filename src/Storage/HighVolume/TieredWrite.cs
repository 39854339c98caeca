using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>The mutation a compare-and-write applies when its precondition holds.</summary>
public abstract record TieredWrite
{
    private TieredWrite() { }

    /// <summary>Write (or replace with) a redirect tombstone.</summary>
    public sealed record WriteTombstone(Tombstone Tombstone) : TieredWrite;

    /// <summary>Write (or replace with) an inline object.</summary>
    public sealed record WriteInline(ObjectMetadata Metadata, ReadOnlyMemory<byte> Payload) : TieredWrite;

    /// <summary>Remove the row.</summary>
    public sealed record Delete : TieredWrite
    {
        /// <summary>The single instance.</summary>
        public static readonly Delete Instance = new();
    }

    /// <summary>The tombstone target this write leaves behind, or null.</summary>
    public ObjectId? Target => this is WriteTombstone t ? t.Tombstone.Target : null;
}
