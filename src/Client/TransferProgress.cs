namespace ObjectStore.Client;

/// <summary>How far a transfer is: payload bytes moved so far, out of how many when known.</summary>
/// <param name="BytesTransferred">Payload bytes read from the source (uploads) or handed to the reader (downloads).</param>
/// <param name="TotalBytes">The payload's size when known up front (files, seekable streams, sized responses).</param>
public readonly record struct TransferProgress(long BytesTransferred, long? TotalBytes);
