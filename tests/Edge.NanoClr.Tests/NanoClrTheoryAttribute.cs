using Edge.NanoClr;

namespace Edge.NanoClr.Tests;

/// <summary>
/// A fact on the real interpreter. Without a nanoCLR toolchain it is skipped with how to get one;
/// with <c>CI=true</c> it runs anyway and fails on the missing toolchain, so CI never skips it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NanoClrFactAttribute : FactAttribute
{
    public NanoClrFactAttribute()
    {
        if (NanoClrToolchain.Find() == null && !Tools.InCi)
        {
            Skip = NanoClrToolchain.Missing + "; CI=true makes this a failure";
        }
    }
}

/// <summary>A theory on the real interpreter, skipped or failed like <see cref="NanoClrFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NanoClrTheoryAttribute : TheoryAttribute
{
    public NanoClrTheoryAttribute()
    {
        if (NanoClrToolchain.Find() == null && !Tools.InCi)
        {
            Skip = NanoClrToolchain.Missing + "; CI=true makes this a failure";
        }
    }
}
