using FsCheck;
using FsCheck.Fluent;

namespace Edge.Dataplane.Tests;

/// <summary>Runs FsCheck properties from xUnit facts; a failure throws with the shrunk counterexample.</summary>
public static class Properties
{
    public static void Check<T>(Gen<T> generator, Action<T> property, int maxTests = 300)
    {
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTests).WithQuietOnSuccess(true),
            Prop.ForAll(generator.ToArbitrary(), property));
    }

    public static Gen<byte[]> Bytes(int length) => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), length);

    public static Gen<byte[]> Bytes(int minLength, int maxLength) =>
        Gen.Choose(minLength, maxLength).SelectMany(Bytes);
}
