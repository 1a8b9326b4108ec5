"""Training: the NEURALNETTRAIN loop and its runners, dropout, history, initial weights,
and gradient checking."""
