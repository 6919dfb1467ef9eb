using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>A connection to a server past hello: requests go one at a time.</summary>
internal sealed class ClientSession : IAsyncDisposable
{
    private ClientSession(SyncConnection connection, WelcomeMessage welcome)
    {
        Connection = connection;
        Welcome = welcome;
    }

    public SyncConnection Connection { get; }

    public WelcomeMessage Welcome { get; }

    /// <summary>
    /// Connects and says hello. An empty <paramref name="schema"/> or <paramref name="contentType"/>
    /// accepts whatever the store holds (a clone learns it from the answer).
    /// </summary>
    public static async Task<ClientSession> OpenAsync(RemoteUrl url, RemoteOptions options, string schema, string contentType, CancellationToken cancellationToken)
    {
        var connection = await SyncTransport.ConnectAsync(url, options, cancellationToken).ConfigureAwait(false);
        try
        {
            MessageCodec.Write(connection.StartBody(), new HelloMessage(MessageCodec.ProtocolVersion, schema, contentType, url.Store, Capabilities.Supported));
            await connection.SendAsync(MessageType.Hello, cancellationToken).ConfigureAwait(false);
            var frame = await connection.ReceiveAsync(cancellationToken, MessageType.Welcome).ConfigureAwait(false);
            var welcome = MessageCodec.ReadWelcome(frame, connection.Peer);
            if (welcome.Version != MessageCodec.ProtocolVersion)
            {
                throw new SyncException(SyncErrorKind.Incompatible, $"{url} speaks protocol version {welcome.Version}, this client {MessageCodec.ProtocolVersion}");
            }

            if ((schema.Length > 0 && welcome.Schema != schema) || (contentType.Length > 0 && welcome.ContentType != contentType))
            {
                throw new SyncException(SyncErrorKind.Incompatible, $"{url} holds {welcome.ContentType} contents in schema {welcome.Schema}, this store {contentType} in {schema}");
            }

            return new ClientSession(connection, welcome);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<List<KeyValuePair<string, Hash>>> ListRefsAsync(int hashSize, CancellationToken cancellationToken)
    {
        MessageCodec.WriteEmpty(Connection.StartBody());
        await Connection.SendAsync(MessageType.ListRefs, cancellationToken).ConfigureAwait(false);
        return MessageCodec.ReadRefs(await Connection.ReceiveAsync(cancellationToken, MessageType.Refs).ConfigureAwait(false), Connection.Peer, hashSize, Connection.Limits.MaxRefs);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
