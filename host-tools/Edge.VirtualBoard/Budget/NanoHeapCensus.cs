using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Edge.VirtualBoard.Budget;

/// <summary>
/// What a set of dataplane objects would occupy on a nanoFramework board's managed heap,
/// computed on .NET by walking everything reachable from the roots (each object once) and
/// pricing it with nanoFramework's heap layout, as nanoCLR_Runtime__HeapBlock.h lays it out:
/// the heap is made of 12-byte blocks; an object is one header block plus one block per
/// instance field (whatever the field's type); an array is a 20-byte header plus its elements
/// at their natural size (12 bytes, one block, per reference or struct element); a string built at run time is a
/// header block plus its UTF-8 text and a terminator (a literal's text stays in flash). Every allocation rounds up to whole blocks.
/// Only live objects count (garbage does not), so this is what the heap holds after a collection.
/// It prices the board alone: the assemblies' runtime tables, and what nanoCLR does beyond this
/// layout (a string object at every ldstr of a literal, where .NET interns one; the interpreter's
/// stack frames while a state is decoded), are in the measure on nanoCLR itself
/// (tests/Edge.NanoClr/BoardBudget.cs), which the budget holds.
/// </summary>
public sealed class NanoHeapCensus
{
    public const int Block = 12;
    private const int ArrayHeader = Block + 8;

    private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (long Bytes, int Count)> _byType = new();
    private readonly Dictionary<string, long> _byPart = new();
    private readonly Dictionary<string, (long Bytes, int Count)> _byField = new();
    private readonly Dictionary<object, string> _owner = new(ReferenceEqualityComparer.Instance);
    /// <summary>
    /// Whether objects of this assembly live on the board: the dataplane's assemblies
    /// (Edge.Dataplane.*). Objects of other assemblies (the platform behind the seams: clocks,
    /// sockets, randomness) count as one block and are not followed, since on a board they are
    /// nanoFramework's own.
    /// </summary>
    public static bool OnBoard(Assembly assembly) =>
        assembly.GetName().Name!.StartsWith("Edge.Dataplane.", StringComparison.Ordinal);

    public long TotalBytes { get; private set; }

    /// <summary>Adds what is reachable from <paramref name="root"/> and not counted yet, under <paramref name="part"/>; returns the bytes added.</summary>
    public long Add(string part, object? root)
    {
        long before = TotalBytes;
        var pending = new Stack<object>();
        if (root is not null)
        {
            pending.Push(root);
        }

        while (pending.Count > 0)
        {
            object o = pending.Pop();
            if (!_seen.Add(o))
            {
                continue;
            }

            long size = Price(o, pending);
            TotalBytes += size;
            string owner = _owner.GetValueOrDefault(o) ?? part;
            _byField.TryGetValue(owner, out var f);
            _byField[owner] = (f.Bytes + size, f.Count + 1);
            string type = TypeName(o.GetType());
            _byType.TryGetValue(type, out var t);
            _byType[type] = (t.Bytes + size, t.Count + 1);
        }

        long added = TotalBytes - before;
        _byPart[part] = _byPart.GetValueOrDefault(part) + added;
        return added;
    }

    /// <summary>Static fields of the dataplane's types (shared buffers, empty arrays): they live on the heap once.</summary>
    public long AddStatics(string part)
    {
        long added = 0;
        foreach (Type type in AppDomain.CurrentDomain.GetAssemblies().Where(OnBoard).SelectMany(a => a.GetTypes()))
        {
            if (type.IsGenericTypeDefinition)
            {
                continue;
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.IsLiteral || field.FieldType.IsPrimitive)
                {
                    continue;
                }

                // Thread-static buffers exist per thread; the board's loop is one thread, whose copy this is.
                added += Add(part, field.GetValue(null));
            }
        }

        return added;
    }

    public IReadOnlyDictionary<string, long> Parts => _byPart;

    /// <summary>Bytes by the field objects were first reached through ("PodSandbox._tcp").</summary>
    public IReadOnlyDictionary<string, long> Fields => _byField.ToDictionary(kv => kv.Key, kv => kv.Value.Bytes);

    /// <summary>The largest types first, as "Type count × = bytes" lines.</summary>
    public string TopTypes(int count)
    {
        var sb = new StringBuilder();
        foreach (var (type, (bytes, n)) in _byType.OrderByDescending(kv => kv.Value.Bytes).Take(count))
        {
            sb.Append($"  {type,-40} {n,5} × {bytes / 1024.0,6:F1} KiB{Environment.NewLine}");
        }

        return sb.ToString();
    }

    /// <summary>The fields holding the most bytes first (an object counts under the field it was first reached through).</summary>
    public string TopFields(int count)
    {
        var sb = new StringBuilder();
        foreach (var (field, (bytes, n)) in _byField.OrderByDescending(kv => kv.Value.Bytes).Take(count))
        {
            sb.Append($"  {field,-40} {n,5} × {bytes / 1024.0,6:F1} KiB{Environment.NewLine}");
        }

        return sb.ToString();
    }

    private void Follow(Stack<object> pending, object value, string owner)
    {
        if (!_seen.Contains(value))
        {
            _owner.TryAdd(value, owner);
            pending.Push(value);
        }
    }

    private long Price(object o, Stack<object> pending)
    {
        Type type = o.GetType();
        if (o is string s)
        {
            // A literal (ldstr) keeps its text in the assembly, in flash: one block on the heap.
            // .NET interns literals, so the interned instance itself is one; equal text built at
            // run time is a different instance and pays for its bytes.
            return ReferenceEquals(string.IsInterned(s), s) ? Block : RoundUp(Block + Encoding.UTF8.GetByteCount(s) + 1);
        }

        if (o is Array array)
        {
            Type element = type.GetElementType()!;
            long bytes = ArrayHeader + (long)array.Length * ElementSize(element);
            if (!element.IsPrimitive && !element.IsEnum)
            {
                foreach (object? item in array)
                {
                    if (item is not null)
                    {
                        Follow(pending, item, _owner.GetValueOrDefault(o) ?? TypeName(type));
                    }
                }
            }

            return RoundUp(bytes);
        }

        if (!OnBoard(type.Assembly))
        {
            // A platform object or a runtime one (a delegate's target is followed when it is ours).
            if (o is Delegate d && d.Target is not null && OnBoard(d.Target.GetType().Assembly))
            {
                Follow(pending, d.Target, TypeName(type));
            }

            return Block;
        }

        long fields = 0;
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                fields++;
                if (field.FieldType.IsPrimitive || field.FieldType.IsEnum)
                {
                    continue;
                }

                object? value = field.GetValue(o);
                if (value is null)
                {
                    continue;
                }

                if (field.FieldType.IsValueType)
                {
                    // A struct field is a boxed value of its own on nanoFramework.
                    TotalBytes += RoundUp(Block + Block * value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length);
                }
                else
                {
                    Follow(pending, value, t.Name + "." + field.Name);
                }
            }
        }

        return Block + Block * fields;
    }

    private static int ElementSize(Type element)
    {
        if (element.IsEnum)
        {
            element = Enum.GetUnderlyingType(element);
        }

        if (!element.IsPrimitive)
        {
            return Block;
        }

        return Type.GetTypeCode(element) switch
        {
            TypeCode.Boolean or TypeCode.Byte or TypeCode.SByte => 1,
            TypeCode.Char or TypeCode.Int16 or TypeCode.UInt16 => 2,
            TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Double => 8,
            _ => 4,
        };
    }

    private static long RoundUp(long bytes) => (bytes + Block - 1) / Block * Block;

    private static string TypeName(Type type) => type.IsArray ? TypeName(type.GetElementType()!) + "[]" : type.Name;
}
