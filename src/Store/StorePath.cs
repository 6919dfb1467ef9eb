using System.Collections.Immutable;

namespace IrminSharp.Store;

/// <summary>
/// A path in a tree: a sequence of steps. A step is a non-empty string with no '/' and no NUL,
/// and is neither '.' nor '..'.
/// </summary>
public readonly struct StorePath : IEquatable<StorePath>
{
    private readonly ImmutableArray<string> steps;

    private StorePath(ImmutableArray<string> steps) => this.steps = steps;

    /// <summary>The root: no steps.</summary>
    public static StorePath Root => new(ImmutableArray<string>.Empty);

    /// <summary>The steps.</summary>
    public ImmutableArray<string> Steps => steps.IsDefault ? ImmutableArray<string>.Empty : steps;

    /// <summary>The number of steps.</summary>
    public int Count => Steps.Length;

    /// <summary>Whether this is the root.</summary>
    public bool IsRoot => Count == 0;

    /// <summary>The step at <paramref name="index"/>.</summary>
    public string this[int index] => Steps[index];

    /// <summary>The last step. Throws on the root.</summary>
    public string Last => IsRoot ? throw new InvalidOperationException("The root has no last step.") : steps[^1];

    /// <summary>Everything but the last step. Throws on the root.</summary>
    public StorePath Parent => IsRoot ? throw new InvalidOperationException("The root has no parent.") : new(steps.RemoveAt(steps.Length - 1));

    /// <summary>
    /// Parses a '/'-separated path. Leading and trailing '/' are ignored; '' and '/' are the root.
    /// </summary>
    /// <exception cref="InvalidPathException">A step is empty, '.', '..' or contains NUL.</exception>
    public static StorePath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.AsSpan().Trim('/');
        if (trimmed.IsEmpty)
        {
            return Root;
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var range in trimmed.Split('/'))
        {
            var step = trimmed[range];
            if (step.IsEmpty)
            {
                throw new InvalidPathException(path, "it contains an empty step ('//')");
            }

            var text = step.ToString();
            ValidateStep(text, path);
            builder.Add(text);
        }

        return new(builder.ToImmutable());
    }

    /// <summary>Builds a path from steps, validating each.</summary>
    public static StorePath FromSteps(params IEnumerable<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var array = steps.ToImmutableArray();
        foreach (var step in array)
        {
            ValidateStep(step, step);
        }

        return new(array);
    }

    /// <summary>Throws <see cref="InvalidPathException"/> unless <paramref name="step"/> is a valid step.</summary>
    public static void ValidateStep(string step, string? wholePath = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        var reason = step switch
        {
            "" => "a step cannot be empty",
            "." or ".." => $"'{step}' is not a valid step",
            _ when step.Contains('/', StringComparison.Ordinal) => "a step cannot contain '/'",
            _ when step.Contains('\0', StringComparison.Ordinal) => "a step cannot contain NUL",
            _ => null,
        };
        if (reason is not null)
        {
            throw new InvalidPathException(wholePath ?? step, reason);
        }
    }

    /// <summary>This path with one more step.</summary>
    public StorePath Append(string step)
    {
        ValidateStep(step);
        return new(Steps.Add(step));
    }

    /// <summary>This path followed by <paramref name="other"/>.</summary>
    public StorePath Append(StorePath other) => new(Steps.AddRange(other.Steps));

    /// <summary>The path from step <paramref name="start"/> on.</summary>
    public StorePath Skip(int start) => new(Steps[start..]);

    /// <summary>Whether <paramref name="prefix"/> is this path or one of its ancestors.</summary>
    public bool StartsWith(StorePath prefix)
    {
        if (prefix.Count > Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (!string.Equals(Steps[i], prefix.Steps[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses a path (see <see cref="Parse"/>).</summary>
    public static implicit operator StorePath(string path) => Parse(path);

    /// <summary>Parses a path (see <see cref="Parse"/>).</summary>
    public static StorePath FromString(string path) => Parse(path);

    /// <inheritdoc/>
    public bool Equals(StorePath other) => Steps.SequenceEqual(other.Steps, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StorePath other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var step in Steps)
        {
            hash.Add(step, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The path as steps joined by '/', with no leading '/'.</summary>
    public override string ToString() => string.Join('/', Steps);

    /// <summary>Equality.</summary>
    public static bool operator ==(StorePath left, StorePath right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StorePath left, StorePath right) => !left.Equals(right);
}
