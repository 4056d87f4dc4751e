using System.Buffers;
using System.Globalization;

namespace Scouter.Server.Apis;

/// <summary>
/// A request body read into a buffer rented from the shared pool (returned on dispose), so a body can
/// be parsed twice without reading the stream again. Memory follows the bytes that actually arrive: the
/// buffer starts at <see cref="InitialBytes"/> at most and doubles as it fills, never past the limit, so a
/// declared Content-Length costs nothing until its bytes come. A body declared or found larger than the
/// limit is refused with a 413 <see cref="BadHttpRequestException"/>.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    /// <summary>The largest first buffer, whatever length the request declares.</summary>
    internal const int InitialBytes = 16 * 1024;

    private byte[] _buffer;
    private int _length;

    private PooledBody(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Bytes of the buffer now held (for tests of the growth).</summary>
    internal int Capacity => _buffer.Length;

    /// <summary>Reads <paramref name="stream"/> to its end; at most <paramref name="maxBytes"/> bytes.</summary>
    /// <exception cref="BadHttpRequestException">413: <paramref name="contentLength"/> or the bytes read exceed <paramref name="maxBytes"/>.</exception>
    public static async Task<PooledBody> ReadAsync(Stream stream, long? contentLength, long maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength > maxBytes) throw TooLarge(maxBytes);
        var limit = (int)Math.Min(maxBytes, Array.MaxLength);
        // One byte more than a declared length, so that its end is seen without growing.
        var body = new PooledBody((int)Math.Min(InitialBytes, Math.Min(limit, contentLength ?? InitialBytes) + 1));
        try
        {
            while (true)
            {
                if (body._length == body._buffer.Length) body.Grow(limit);
                var room = Math.Min(body._buffer.Length, limit) - body._length;
                if (room == 0)
                {
                    // At the limit: one byte more makes the body too large.
                    if (await stream.ReadAsync(new byte[1], cancellationToken) > 0) throw TooLarge(maxBytes);
                    return body;
                }
                var read = await stream.ReadAsync(body._buffer.AsMemory(body._length, room), cancellationToken);
                if (read == 0) return body;
                body._length += read;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static BadHttpRequestException TooLarge(long maxBytes) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the server accepts ({maxBytes} bytes)."),
            StatusCodes.Status413PayloadTooLarge);

    private void Grow(int limit)
    {
        if (_buffer.Length >= limit) return;
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, limit));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
