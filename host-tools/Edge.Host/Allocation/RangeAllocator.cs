using System.Collections;

namespace Edge.Host.Allocation;

/// <summary>
/// Hands out numbers from a contiguous range: a specific one on request, otherwise the next
/// free one after the last handed out. Rotating rather than lowest-free keeps a number that
/// was just released (a deleted service's IP, say) from being reused while boards may still
/// hold connections to it.
/// </summary>
public sealed class RangeAllocator
{
    private readonly BitArray _used;
    private int _cursor;

    public RangeAllocator(long first, long last)
    {
        if (last < first || last - first >= int.MaxValue)
        {
            throw new ArgumentException($"range {first}-{last} is empty or too large");
        }

        First = first;
        Last = last;
        _used = new BitArray((int)(last - first + 1));
    }

    public long First { get; }
    public long Last { get; }
    public int Size => _used.Length;
    public int Used { get; private set; }
    public int Free => Size - Used;

    public bool Contains(long value) => value >= First && value <= Last;

    public bool IsUsed(long value) => Contains(value) && _used[(int)(value - First)];

    /// <summary>Takes a specific number; false if it is outside the range or taken.</summary>
    public bool TryTake(long value)
    {
        if (!Contains(value) || _used[(int)(value - First)])
        {
            return false;
        }

        _used[(int)(value - First)] = true;
        Used++;
        return true;
    }

    /// <summary>Takes the next free number after the last one handed out; false when the range is full.</summary>
    public bool TryTakeNext(out long value)
    {
        for (int step = 0; step < Size; step++)
        {
            int index = (_cursor + step) % Size;
            if (!_used[index])
            {
                _used[index] = true;
                Used++;
                _cursor = (index + 1) % Size;
                value = First + index;
                return true;
            }
        }

        value = 0;
        return false;
    }

    public void Release(long value)
    {
        if (IsUsed(value))
        {
            _used[(int)(value - First)] = false;
            Used--;
        }
    }
}
