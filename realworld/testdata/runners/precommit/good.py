print("nothing left to do")
