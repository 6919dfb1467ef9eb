using System.Runtime.CompilerServices;
using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>A store as sync sees it: its objects, its refs and the name of its content type.</summary>
public sealed class SyncStore
{
    /// <summary>Describes a store for sync.</summary>
    public SyncStore(ObjectDatabase objects, IRefStore refs, string contentType)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(refs);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        Objects = objects;
        Refs = refs;
        ContentType = contentType;
    }

    /// <summary>The objects.</summary>
    public ObjectDatabase Objects { get; }

    /// <summary>The refs.</summary>
    public IRefStore Refs { get; }

    /// <summary>The content type's name, as peers compare it.</summary>
    public string ContentType { get; }

    /// <summary>The schema's name, as peers compare it.</summary>
    public string Schema => Objects.Schema.Name;

    /// <summary>Node depths learnt so far, shared by every view of the same database in this process.</summary>
    internal NodeDepths Depths => DepthsByDatabase.GetValue(Objects, static _ => new NodeDepths());

    private static ConditionalWeakTable<ObjectDatabase, NodeDepths> DepthsByDatabase { get; } = new();

    /// <summary>The sync view of a repository.</summary>
    public static SyncStore Of<T>(Repository<T> repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return new SyncStore(repository.Objects, repository.Refs, repository.ContentType.Name);
    }
}
