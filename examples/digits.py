"""#L3's digit recognition, on scikit-learn's 8×8 digits: a 64-15-10 network.

#L3 classifies 28×28 MNIST digits with a 784-15-10 network: one output per
digit, the prediction is the highest output. Here the same architecture on the
1,797 8×8 digits that ship with scikit-learn (pip install "neurograph[digits]"),
with a quarter of each digit's images held out for testing.
"""

import neurograph as ng

data = ng.datasets.digits(test_size=0.25, seed=0)
net = ng.Network.layered([64, 15, 10], activation="logistic", init="glorot", seed=0)
print(f"neurons {net.inputs[0]}..{net.inputs[-1]}: the 64 pixels; hidden "
      f"{net.hidden[0]}..{net.hidden[-1]}; outputs {net.outputs[0]}..{net.outputs[-1]} for the "
      f"digits 0..9 ({len(net.w)} weights)")

history = net.fit(data.X_train, ng.one_hot(data.y_train, 10), lr=0.5, epochs=15, seed=0,
                  validation=(data.X_test, ng.one_hot(data.y_test, 10)))
for epoch in range(0, history.epochs, 3):
    print(f"epoch {epoch + 1:2}: J(w) = {history.loss[epoch]:.4f}, training accuracy "
          f"{history.accuracy[epoch]:.3f}, held-out accuracy {history.val_accuracy[epoch]:.3f}")

accuracy = (net.classify(data.X_test) == data.y_test).mean()
print(f"held-out accuracy: {accuracy:.4f} on {len(data.y_test)} digits")
