namespace IrminSharp.Merge;

/// <summary>
/// Receives a content type with its value type known, so that code which picks a content type by
/// name (a CLI flag, a store's schema) can still call generic code.
/// </summary>
/// <typeparam name="TResult">What the visit returns.</typeparam>
public interface IContentTypeVisitor<out TResult>
{
    /// <summary>Called with the content type found.</summary>
    TResult Visit<T>(IContentType<T> type);
}
