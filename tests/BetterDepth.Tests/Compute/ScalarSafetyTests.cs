using System.Reflection;
using System.Reflection.Emit;
using BetterDepth.Compute;
using TorchSharp;

namespace BetterDepth.Tests.Compute;

/// <summary>
/// No library method may hand libtorch a TorchSharp Scalar that nothing keeps alive (see <see cref="ScalarSafeOps"/>):
/// neither by converting a number to a Scalar without disposing it, nor by calling a TorchSharp method that does so
/// itself, directly or through the methods it calls (Tensor.add(Tensor) makes up its alpha = 1). Read from the IL of
/// both assemblies, so a new `x * 0.5` or `a + b` on tensors fails here with the method that contains it.
/// </summary>
public class ScalarSafetyTests
{
    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(op => op.Value);
    static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;

    [Fact]
    public void NoLibraryMethodLetsATemporaryScalarGo()
    {
        var unsafeTorchSharp = new Dictionary<MethodBase, bool>();
        var offenders = new List<string>();
        foreach (var type in typeof(ScalarSafeOps).Assembly.GetTypes())
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                var reasons = Reasons(method, unsafeTorchSharp);
                if (reasons.Count > 0) offenders.Add($"{type.FullName}.{method.Name}: {string.Join("; ", reasons)}");
            }
        Assert.True(offenders.Count == 0, "use ScalarSafeOps instead in:\n" + string.Join("\n", offenders));
    }

    /// <summary>The scan finds what it must: the unsafe forms in this test assembly's own examples, and none in safe code.</summary>
    [Fact]
    public void TheScanRecognisesTheUnsafeForms()
    {
        var seen = new Dictionary<MethodBase, bool>();
        bool Flagged(string name) => Reasons(typeof(Examples).GetMethod(name, Declared)!, seen).Count > 0;
        Assert.True(Flagged(nameof(Examples.TensorPlusTensor)));
        Assert.True(Flagged(nameof(Examples.TensorTimesNumber)));
        Assert.True(Flagged(nameof(Examples.ImplicitScalarArgument)));
        Assert.False(Flagged(nameof(Examples.Safe)));
    }

    /// <summary>Why <paramref name="method"/> lets a temporary Scalar go; empty when it does not.</summary>
    static List<string> Reasons(MethodBase method, Dictionary<MethodBase, bool> unsafeTorchSharp)
    {
        var calls = Callees(method).ToList();
        var reasons = calls.Where(c => IsTorchSharp(c) && LetsAScalarGo(c, unsafeTorchSharp)).Select(Describe).Distinct().ToList();
        // a static constructor's Scalars go to static fields, which keep them alive
        if (calls.Any(CreatesScalar) && !calls.Any(DisposesScalar) && method is not ConstructorInfo { IsStatic: true })
            reasons.Insert(0, "a number converted to a Scalar and never disposed");
        return reasons;
    }

    static class Examples
    {
        public static torch.Tensor TensorPlusTensor(torch.Tensor a, torch.Tensor b) => a + b;
        public static torch.Tensor TensorTimesNumber(torch.Tensor a) => a * 0.5;
        public static torch.Tensor ImplicitScalarArgument(torch.Tensor a) => a.mul_(2.0);
        public static torch.Tensor Safe(torch.Tensor a, torch.Tensor b) => a.Plus(b).Times(0.5) - b;
    }

    static bool IsTorchSharp(MethodBase m) => m.DeclaringType?.Assembly == TorchSharpAssembly;

    static bool CreatesScalar(MethodBase m) =>
        m.DeclaringType == typeof(Scalar) && m.Name == "op_Implicit" || m.Name == "ToScalar" && m.DeclaringType?.Name == "ScalarExtensionMethods";

    /// <summary>Scalar.Dispose, or IDisposable.Dispose, which is what `using var s = x.ToScalar()` compiles to.</summary>
    static bool DisposesScalar(MethodBase m) => m.Name == "Dispose" && (m.DeclaringType == typeof(Scalar) || m.DeclaringType == typeof(IDisposable));

    /// <summary>A TorchSharp method that makes a Scalar it does not dispose, or calls one that does (memoised; cycles count as safe).</summary>
    static bool LetsAScalarGo(MethodBase method, Dictionary<MethodBase, bool> known)
    {
        if (!IsTorchSharp(method) || method.DeclaringType == typeof(Scalar) || method.DeclaringType?.Name == "ScalarExtensionMethods") return false;
        if (known.TryGetValue(method, out var result)) return result;
        known[method] = false;
        var calls = Callees(method).ToList();
        result = calls.Any(CreatesScalar) && !calls.Any(DisposesScalar) || calls.Any(c => LetsAScalarGo(c, known));
        known[method] = result;
        return result;
    }

    static string Describe(MethodBase m) => $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";

    /// <summary>Every method a method's IL calls (call, callvirt, newobj, ldftn), resolved through its module.</summary>
    static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException) { yield break; }
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i];
            int size = 1;
            if (value == 0xFE) { value = (short)(0xFE00 | il[i + 1]); size = 2; }
            var op = OpCodesByValue[value];
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + size), typeArguments, methodArguments); }
                catch (ArgumentException) { }
                if (callee is not null) yield return callee;
            }
            i += size + op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i + size),
                _ => 4,
            };
        }
    }
}
